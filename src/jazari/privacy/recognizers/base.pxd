# Types for the compiled document (Cython reads this beside base.py; Python never does): `Doc` is an extension
# type, its fields read without a dictionary, positions are C integers
cimport cython

cdef class Doc:
    cdef public str text
    cdef public str match
    cdef public dict hits
    cdef public object lang
    cdef public dict features
    cdef dict _ends

    cpdef bint has(self, str need) except -1

    @cython.locals(lo=Py_ssize_t, hi=Py_ssize_t, i=Py_ssize_t, s=Py_ssize_t, e=Py_ssize_t, found=list, ends=list)
    cpdef bint near(self, str kind, Py_ssize_t start, Py_ssize_t end, Py_ssize_t before, Py_ssize_t after,
                    bint clause=*) except -1
