// The daemon's tests use Unix domain sockets, Unix file modes, /proc and setpriv.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
