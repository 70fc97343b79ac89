[Feature]
Description=Developer tools (compilers, debuggers) as a system extension
Documentation=https://example.com/docs/devtools
