namespace SysUpdate.Core.Tests.Manifests.Trust;

/// <summary>A fact that is skipped, with the reason shown, when OpenSSH's ssh-keygen is not installed.</summary>
internal sealed class SshKeygenFactAttribute : FactAttribute
{
    public SshKeygenFactAttribute()
    {
        if (!File.Exists(SshKeygen.Program))
            Skip = $"not installed: {SshKeygen.Program} (package openssh-client)";
    }
}
