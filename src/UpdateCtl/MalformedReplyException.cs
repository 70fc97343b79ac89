namespace UpdateCtl;

/// <summary>The service answered with a reply that does not fit <c>io.systemd.SysUpdate</c>'s IDL
/// (a field missing or of the wrong type); printed as one line, exit 1.</summary>
internal sealed class MalformedReplyException(string method, string field)
    : Exception($"the reply to {method} has no valid '{field}' field")
{
    public string Method { get; } = method;

    public string Field { get; } = field;
}
