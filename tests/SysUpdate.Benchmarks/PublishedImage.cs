namespace SysUpdate.Benchmarks;

/// <summary>One encoding of the payload as the server publishes it: <c>img_2.raw</c>, <c>img_2.raw.gz</c>, ….</summary>
internal sealed record PublishedImage(string Codec, string FileName, long Bytes, string Note);
