"""Small checks and French text helpers shared by every layer (the bottom layer: it imports no
other package of the project).

- ``care_common.finess``: the FINESS number check (the only one in the code base);
- ``care_common.french_dates``: French dates in and out (« 3 février 2025 », JJ/MM/AAAA, ISO).
"""
