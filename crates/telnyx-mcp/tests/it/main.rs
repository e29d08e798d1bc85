//! Integration tests of telnyx-mcp (one binary, as cargo's own testsuite).
