"""File datasets of images: a ZIP or a folder becomes a version with one row per image, the bytes kept
(encrypted) in the files store; bad files are set aside by name, unsafe or oversized archives refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

import jazari
from jazari.errors import FileFormatError, FileTooLargeError, InputError, ValidationFailed
from jazari.governance.actors import Actor

OP = Actor.operator()


def image(fmt: str = "PNG", size: tuple[int, int] = (4, 3), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A small image made here, in a format Pillow writes."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def photos_zip(path: Path) -> Path:
    """Four good images in a sub-folder and at the top, a truncated PNG and a text file."""
    return make_zip(path, {
        "cats/one.png": image("PNG", (4, 3)),
        "cats/two.jpg": image("JPEG", (8, 6)),
        "anim.gif": image("GIF", (5, 5)),
        "pic.webp": image("WEBP", (7, 2)),
        "broken.png": image("PNG", (40, 40))[:70],
        "notes.txt": b"not an image at all",
        "__MACOSX/._one.png": b"resource fork",
    })


def stored(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


def test_a_zip_of_images_becomes_a_file_dataset(jz, tmp_path: Path) -> None:
    result = jz.ingest(photos_zip(tmp_path / "photos.zip"), "hcp/photos")
    assert (result["rows_written"], result["rows_quarantined"], result["rows_read"]) == (4, 2, 6)
    assert result["reader_options"] == {"format": "images"}
    rows = {r["path"]: r for r in jz.load("hcp/photos").to_pylist()}
    assert set(rows) == {"cats/one.png", "cats/two.jpg", "anim.gif", "pic.webp"}
    assert {p: (r["media_type"], r["width"], r["height"]) for p, r in rows.items()} == {
        "cats/one.png": ("image/png", 4, 3), "cats/two.jpg": ("image/jpeg", 8, 6),
        "anim.gif": ("image/gif", 5, 5), "pic.webp": ("image/webp", 7, 2)}
    one = rows["cats/one.png"]
    assert one["bytes"] == len(image("PNG", (4, 3)))
    # the bytes are in the files store under their SHA-256, encrypted at rest; the archive in the raw zone
    assert stored(jz.settings.blobs_dir) == sorted(r["sha256"] for r in rows.values())
    assert jz.files.is_sealed(one["sha256"])
    assert image("PNG", (4, 3)) not in (jz.settings.blobs_dir / one["sha256"]).read_bytes()
    assert stored(jz.settings.raw_dir) == [result["sha256"]]
    # the files that are not images are set aside by name, with the reason
    found = {r["value"]: (r["type"], r["message"]) for r in jz.quarantine("hcp/photos")["rows"]}
    assert found["notes.txt"] == ("not-an-image", "not a PNG, JPEG, GIF or WebP image")
    assert found["broken.png"][0] == "corrupt-image" and "truncated" in found["broken.png"][1].lower()
    assert set(found) == {"notes.txt", "broken.png"}
    version = jz.version("hcp/photos")
    assert {(f["type"], f["count"]) for f in version["validation"]["findings"]} == {
        ("not-an-image", 1), ("corrupt-image", 1)}
    assert [f["name"] for f in version["schema"]["fields"]] == ["path", "sha256", "bytes", "media_type", "width",
                                                               "height"]
    # the same archive again changes nothing; with one image more it is a new version
    assert jz.ingest(tmp_path / "photos.zip", "hcp/photos")["unchanged"] is True
    with zipfile.ZipFile(tmp_path / "photos.zip", "a") as z:
        z.writestr("new.png", image("PNG", (2, 2), (0, 0, 255)))
    assert jz.ingest(tmp_path / "photos.zip", "hcp/photos")["version"] == 2
    assert jz.load("hcp/photos").num_rows == 5


def test_a_folder_of_images(jz, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    (folder / "2024").mkdir(parents=True)
    (folder / "a.png").write_bytes(image("PNG", (3, 3)))
    (folder / "2024" / "b.jpeg").write_bytes(image("JPEG", (6, 4)))
    (folder / "2024" / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)  # a PNG signature, then nothing
    (folder / "readme.md").write_text("# scans")
    (folder / ".hidden.png").write_bytes(image())
    result = jz.ingest(folder, "hcp/scans")
    assert (result["rows_written"], result["rows_quarantined"]) == (2, 2)
    assert sorted(r["path"] for r in jz.load("hcp/scans").to_pylist()) == ["2024/b.jpeg", "a.png"]
    assert jz.versions("hcp/scans")[0]["source"]["name"] == "scans.zip"
    assert sorted(r["value"] for r in jz.quarantine("hcp/scans")["rows"]) == ["2024/c.png", "readme.md"]
    # the raw zone keeps the folder as a ZIP, made the same way each time: the same folder is unchanged
    assert jz.ingest(folder, "hcp/scans")["unchanged"] is True
    assert not list(jz.settings.tmp_dir.glob("source-*"))  # no plaintext copy left behind


def assert_nothing_stored(jz, ref: str) -> None:
    assert stored(jz.settings.raw_dir) == [] and stored(jz.settings.blobs_dir) == []
    assert ref not in [d["dataset"] for d in jz.datasets()]
    assert not list(jz.settings.tmp_dir.glob("source-*"))


@pytest.mark.parametrize("name", ["../x.png", "/etc/x.png", "a/../../x.png", "..\\x.png", "C:/x.png"])
def test_a_name_outside_the_archive_is_refused(jz, tmp_path: Path, name: str) -> None:
    archive = make_zip(tmp_path / "slip.zip", {"ok.png": image(), name: image()})
    with pytest.raises(FileFormatError) as caught:
        jz.ingest(archive, "hcp/slip")
    assert "outside the archive" in caught.value.message and "slip.zip" in caught.value.message
    assert_nothing_stored(jz, "hcp/slip")


def test_archives_over_the_limits_are_refused_before_anything_is_stored(tmp_path: Path, database_url: str) -> None:
    node = jazari.open(tmp_path / "home", database_url=database_url, env="test",
                       archive_max_files=3, archive_max_bytes=50_000)
    try:
        many = make_zip(tmp_path / "many.zip", {f"{i}.png": image() for i in range(4)})
        with pytest.raises(FileTooLargeError) as caught:
            node.ingest(many, "hcp/many")
        assert "more than 3 files" in caught.value.message and "JAZARI_ARCHIVE_MAX_FILES" in caught.value.hint
        # a zip bomb: a little archive that unpacks to much more than the limit
        bomb = make_zip(tmp_path / "bomb.zip", {"zeros.png": b"\x00" * 2_000_000})
        assert bomb.stat().st_size < 50_000
        with pytest.raises(FileTooLargeError) as caught:
            node.ingest(bomb, "hcp/bomb")
        assert "50,000 bytes uncompressed" in caught.value.message and caught.value.status == 413
        for ref in ("hcp/many", "hcp/bomb"):
            assert_nothing_stored(node, ref)
    finally:
        node.close()


def test_a_member_lying_about_its_size_is_never_read_beyond_it(tmp_path: Path, database_url: str) -> None:
    node = jazari.open(tmp_path / "home", database_url=database_url, env="test", archive_max_bytes=100_000)
    try:
        archive = make_zip(tmp_path / "liar.zip", {"big.png": b"\x00" * 400_000})
        data = bytearray(archive.read_bytes())
        declared = (400_000).to_bytes(4, "little")
        data = data.replace(declared, (10).to_bytes(4, "little"))  # the headers now claim 10 bytes
        archive.write_bytes(bytes(data))
        # never more is read than the declared size: the member fails its checksum and is set aside
        assert node.ingest(archive, "hcp/liar")["rows_quarantined"] == 1
        (row,) = node.quarantine("hcp/liar")["rows"]
        assert (row["value"], row["type"]) == ("big.png", "corrupt-file") and "damaged" in row["message"]
        assert stored(node.settings.blobs_dir) == []
    finally:
        node.close()


def test_a_multi_picture_jpeg_from_a_camera_is_a_jpeg(jz, tmp_path: Path) -> None:
    # Pillow opens a JPEG with an MPF segment (cameras, phones) as "MPO": it is a JPEG, not corrupt
    first, second = Image.new("RGB", (6, 4), (10, 20, 30)), Image.new("RGB", (6, 4), (90, 90, 90))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    done = jz.ingest(make_zip(tmp_path / "mpo.zip", {"phone.jpg": out.getvalue()}), "hcp/mpo")
    assert (done["rows_written"], done["rows_quarantined"]) == (1, 0)
    (row,) = jz.rows("hcp/mpo")["rows"]
    assert (row["media_type"], row["width"], row["height"]) == ("image/jpeg", 6, 4)


def test_a_big_file_that_is_no_image_is_not_read_to_its_end(tmp_path: Path) -> None:
    from jazari.factory.readers.images import CHUNK, ArchiveLimits, ImageArchiveSource, check_archive

    archive = make_zip(tmp_path / "video.zip", {"clip.mp4": b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (8 * CHUNK),
                                                "one.png": image()})
    limits = ArchiveLimits(10, 10**9, 10**6)
    source = ImageArchiveSource(archive, check_archive(archive, limits, "video.zip"),
                                lambda f: hashlib.sha256(f.read_bytes()).hexdigest(), limits, tmp_path / "tmp",
                                "video.zip")
    assert [b.num_rows for b in source.batches()] == [1]
    assert source.rejected().to_pylist()[0]["type"] == "not-an-image"
    assert source._read_bytes <= CHUNK + len(image())  # one chunk of the video, then the image


def test_an_archive_of_countless_entries_is_refused_before_its_directory_is_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # zipfile keeps ~550 bytes of memory per entry: millions of empty entries in a small ZIP must be
    # counted as they are read, not loaded first
    from jazari.factory.readers import images

    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(10_050):
            z.writestr(zipfile.ZipInfo(f"{i}.png"), b"")
    assert len(images.check_archive(archive, images.ArchiveLimits(20_000, 10**9, 10), "many.zip")) == 10_050

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the whole directory was loaded")

    monkeypatch.setattr(images.zipfile, "ZipFile", never)
    with pytest.raises(FileTooLargeError, match="more than 10 files"):
        images.check_archive(archive, images.ArchiveLimits(10, 10**9, 10), "many.zip")


def test_a_damaged_lzma_member_is_set_aside_not_a_crash(jz, tmp_path: Path) -> None:
    # zipfile raises lzma.LZMAError (not an OSError) for damaged LZMA data
    archive = tmp_path / "lzma.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_LZMA) as z:
        z.writestr("bad.png", image("PNG", (4, 3)) * 50)
        z.writestr("good.png", image("PNG", (4, 3)))
    data = bytearray(archive.read_bytes())
    for i in range(60, 90):  # inside the first member's compressed bytes
        data[i] ^= 0x55
    archive.write_bytes(bytes(data))
    done = jz.ingest(archive, "hcp/lzma")
    assert (done["rows_written"], done["rows_quarantined"]) == (1, 1)
    (row,) = jz.quarantine("hcp/lzma")["rows"]
    assert (row["value"], row["type"]) == ("bad.png", "corrupt-file")


def test_images_over_the_pixel_limit_are_set_aside(tmp_path: Path, database_url: str) -> None:
    node = jazari.open(tmp_path / "home", database_url=database_url, env="test", image_max_pixels=1000)
    try:
        archive = make_zip(tmp_path / "big.zip", {"small.png": image("PNG", (10, 10)),
                                                  "huge.png": image("PNG", (100, 100))})
        assert node.ingest(archive, "hcp/big")["rows_quarantined"] == 1
        (row,) = node.quarantine("hcp/big")["rows"]
        assert (row["value"], row["type"]) == ("huge.png", "image-too-large")
        assert "100x100 pixels" in row["message"] and "JAZARI_IMAGE_MAX_PIXELS" in row["message"]
    finally:
        node.close()


def test_bad_archives_and_options(jz, tmp_path: Path) -> None:
    not_zip = tmp_path / "fake.zip"
    not_zip.write_text("id,name\n1,a\n")
    with pytest.raises(FileFormatError, match="not a readable ZIP archive"):
        jz.ingest(not_zip, "hcp/fake")
    empty = make_zip(tmp_path / "empty.zip", {"folder/": b"", ".DS_Store": b"x"})
    with pytest.raises(FileFormatError, match="holds no file"):
        jz.ingest(empty, "hcp/empty")
    twice = make_zip(tmp_path / "twice.zip", {"a.png": image(), "./a.png": image()})
    with pytest.raises(FileFormatError, match="two files named 'a.png'"):
        jz.ingest(twice, "hcp/twice")
    good = make_zip(tmp_path / "good.zip", {"a.png": image(), "b.txt": b"x"})
    from jazari.factory.schema import TableSchema

    with pytest.raises(InputError, match="takes no --schema"):
        jz.ingest(good, "hcp/good", schema=TableSchema.from_dict({"fields": [{"name": "a"}]}))
    with pytest.raises(ValidationFailed, match="1 file"):
        jz.ingest(good, "hcp/good", strict=True)
    assert jz.datasets() == []
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    with pytest.raises(FileFormatError, match="holds no file"):
        jz.ingest(empty_folder, "hcp/nothing")


def test_the_cli_ingests_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from jazari.cli import app

    monkeypatch.setenv("JAZARI_HOME", str(tmp_path / "home"))
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / "a.png").write_bytes(image())
    (folder / "b.txt").write_text("x")
    result = CliRunner().invoke(app, ["ingest", str(folder), "--dataset", "hcp/imgs"])
    assert result.exit_code == 0, result.output
    assert "1 rows written, 1 quarantined" in result.output
