namespace SysUpdate.Core.Manifests.Trust;

/// <summary>A signature file fetched for one scheme (<c>SHA256SUMS.gpg</c>, <c>SHA256SUMS.sshsig</c>).</summary>
internal sealed record DetachedSignature(IManifestSignatureScheme Scheme, ReadOnlyMemory<byte> Content, string Url);
