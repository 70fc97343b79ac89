namespace SysUpdate.Integration.Tests.Support;

/// <summary>Seeded damage to a payload, as a hostile server or a broken medium would do it: a flipped bit, a replaced
/// byte, truncation or trailing garbage, with a line saying which (for the assertion message). Also compiled into
/// the Core tests.</summary>
internal static class ByteMutation
{
    public static (byte[] Mutated, string How) Apply(byte[] payload, Random random)
    {
        byte[] copy = (byte[])payload.Clone();
        switch (random.Next(4))
        {
            case 0:
            {
                int at = random.Next(copy.Length);
                copy[at] ^= (byte)(1 << random.Next(8));
                return (copy, $"bit flipped at {at}");
            }
            case 1:
            {
                int at = random.Next(copy.Length);
                copy[at] = (byte)random.Next(256);
                return (copy, $"byte replaced at {at}");
            }
            case 2:
            {
                int length = random.Next(1, copy.Length);
                return (copy[..length], $"truncated to {length}");
            }
            default:
            {
                byte[] garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
                return ([.. copy, .. garbage], $"{garbage.Length} bytes appended");
            }
        }
    }
}
