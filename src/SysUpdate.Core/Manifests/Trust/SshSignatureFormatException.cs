namespace SysUpdate.Core.Manifests.Trust;

/// <summary>An SSH signature file (<c>SHA256SUMS.sshsig</c>) is not what <c>ssh-keygen -Y sign</c> writes.</summary>
internal sealed class SshSignatureFormatException : SysUpdateException
{
    public SshSignatureFormatException(string source, string what)
        : base($"{source}: {what}; publish signatures made with 'ssh-keygen -Y sign -n sysupdate'")
    {
        Errno = Errno.EBADMSG;
    }
}
