# Types for the compiled scanner (Cython reads this beside scanner.py; Python never does): the document's checks are
# called in C, positions are C integers and scores C doubles
cimport cython
from jazari.privacy.recognizers.base cimport Doc as _Doc

@cython.locals(before=Py_ssize_t, after=Py_ssize_t, clause=bint, boost=double, penalty=double, score=double)
cpdef double _with_context(_Doc doc, tuple context, Py_ssize_t start, Py_ssize_t end, double base) except? -1

cpdef bint _has_all(_Doc doc, tuple gates) except -1

@cython.locals(s=Py_ssize_t, e=Py_ssize_t, rounded=dict)
cpdef list _findings(str text, Py_ssize_t offset, list candidates)
