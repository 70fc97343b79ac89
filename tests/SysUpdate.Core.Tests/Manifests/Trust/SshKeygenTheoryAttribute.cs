namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>A theory that is skipped, with the reason shown, when OpenSSH's ssh-keygen is not installed.</summary>
internal sealed class SshKeygenTheoryAttribute : TheoryAttribute
{
    public SshKeygenTheoryAttribute()
    {
        if (!File.Exists(SshKeygen.Program))
            Skip = $"not installed: {SshKeygen.Program} (package openssh-client)";
    }
}
