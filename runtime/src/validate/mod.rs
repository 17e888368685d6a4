//! Argument validation against a canonical input schema: every problem, with its path.
