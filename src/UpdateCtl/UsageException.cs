namespace UpdateCtl;

/// <summary>Bad command line input; printed as one line, exit 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
