//! `sniff`: what a byte string really is, from its bytes alone.
