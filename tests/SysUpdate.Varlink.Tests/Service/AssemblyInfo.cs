// The Varlink assembly is Linux-only (SO_PEERCRED, socket activation); so are its tests. Without this the
// platform analyzer (CA1416, an error here) rejects every call into it.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
