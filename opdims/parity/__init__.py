"""The parity suite: opdims against numbers written by the original MATLAB code.

Test modules (``test_parity_*.py``) compare every function of the original
with fixtures that the drivers in ``matlab_ref/`` wrote by running the
original code under GNU Octave (or MATLAB); :mod:`opdims.parity.machinery`
loads the fixtures, replays the original's random draws and records every
comparison for the table ``opdims parity`` prints. The fixtures (about 25 MB)
are not installed with opdims: they live in the source repository's
``parity_tests/fixtures`` (``$OPDIMS_PARITY_FIXTURES`` or ``opdims parity
--fixtures DIR`` point elsewhere).
"""
