# Types for the compiled lexicon (Cython reads this beside lexicon.py; Python never does): positions are C integers
cimport cython

cdef class Lexicon:
    cdef public Py_ssize_t size
    cdef public object _automaton

    @cython.locals(i=Py_ssize_t, bound=Py_ssize_t, base=Py_ssize_t, at=Py_ssize_t, last=Py_ssize_t,
                   length=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, prefix=Py_ssize_t, found=list, bounds=list,
                   hits=dict, kind_hits=list, bucket=tuple)
    cpdef list find_many(self, list matches)
