# Types for the compiled names finder (Cython reads this beside names.py; Python never does): positions and counts
# are C integers, scores C doubles, and the helpers are called in C from the finder
cimport cython

@cython.locals(text=str, hits=dict, tokens=list, cues=list, streets=set, places=list, cities=set, announced=dict,
               spans=list, start=Py_ssize_t, end=Py_ssize_t, names=Py_ssize_t, strong=Py_ssize_t, score=double,
               extended=Py_ssize_t, cue_end=Py_ssize_t, at=Py_ssize_t)
cpdef list find_names(doc, recognizer)

@cython.locals(s=Py_ssize_t, e=Py_ssize_t)
cpdef bint _within_place(Py_ssize_t start, Py_ssize_t end, list places) except -1

@cython.locals(s=Py_ssize_t, e=Py_ssize_t)
cpdef bint _is_place(str text, Py_ssize_t start, Py_ssize_t end, list places) except -1

cpdef bint _cue_before_name(tuple token, list following) except -1

@cython.locals(hits=dict, tokens=list, kept=list)
cpdef list _tokens(doc)

@cython.locals(words=list, at=Py_ssize_t)
cpdef list arabizi_words(str match)

@cython.locals(groups=list, current=list, start=Py_ssize_t)
cpdef list _groups(str text, list tokens)

@cython.locals(names=Py_ssize_t, strong=Py_ssize_t)
cpdef _close(list current, list groups)

@cython.locals(arabic=bint, initial=bint)
cpdef double _score(str text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t names, Py_ssize_t strong) except? -1

@cython.locals(end=Py_ssize_t)
cpdef bint _after_street(str text, Py_ssize_t start, set streets) except -1

@cython.locals(j=Py_ssize_t)
cpdef Py_ssize_t _extend_left(str text, Py_ssize_t start) except -1
