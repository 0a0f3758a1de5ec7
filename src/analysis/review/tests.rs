//! Unit tests of the review fold: case selection, week selection, chunking independence.
