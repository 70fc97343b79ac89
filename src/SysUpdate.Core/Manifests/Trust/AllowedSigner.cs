using SysUpdate.Core.Config;

namespace SysUpdate.Core.Manifests.Trust;

/// <summary>One key line of an <c>allowed_signers</c> file (ssh-keygen(1), "ALLOWED SIGNERS").</summary>
/// <param name="Principals">As written; shown in messages, not matched (the manifest has no signer identity to check).</param>
/// <param name="Namespaces">The <c>namespaces=</c> pattern list, or null when the key may sign for any namespace.</param>
internal sealed record AllowedSigner(
    string Principals, SshPublicKey Key, string? Namespaces, DateTimeOffset? ValidAfter, DateTimeOffset? ValidBefore, SourceLocation Location)
{
    /// <summary>Whether the line lets this key sign for <paramref name="signatureNamespace"/> at <paramref name="now"/>.</summary>
    public bool Allows(string signatureNamespace, DateTimeOffset now) =>
        (Namespaces is null || SshPatternList.Matches(Namespaces, signatureNamespace))
        && (ValidAfter is not { } after || now >= after)
        && (ValidBefore is not { } before || now <= before);
}
