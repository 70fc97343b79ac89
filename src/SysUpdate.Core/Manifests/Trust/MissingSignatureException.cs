namespace SysUpdate.Core.Manifests.Trust;

/// <summary>Verification is on but none of the enabled schemes found a signature for the manifest.</summary>
internal sealed class MissingSignatureException : SysUpdateException
{
    public MissingSignatureException(string manifestUrl, string expected)
        : base($"{manifestUrl}: no {expected} found next to the manifest, refusing; publish one or use --verify=no")
    {
        Errno = Errno.EPROTO;
    }
}
