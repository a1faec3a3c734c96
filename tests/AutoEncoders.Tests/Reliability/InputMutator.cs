using System.Text;

namespace AutoEncoders.Tests.Reliability;

/// <summary>
/// Seeded corruptions of a valid file: truncations, bit flips and random bytes in the header or the body, overwritten
/// fields, appended garbage, and for text edits that break syntax, types and values. The same seed gives the same
/// corruptions, so a failure found once is found again.
/// </summary>
internal sealed class InputMutator(int seed)
{
    // Tokens that break a text format or smuggle in an odd value: syntax characters, non-numbers, huge and negative
    // numbers, a byte-order mark, control characters and a non-UTF-8 byte.
    private static readonly string[] Tokens =
    [
        "{", "}", "[", "]", ",", ":", "\"", "'", "\n", "\t", "-", "NaN", "Infinity", "-Infinity", "1e999", "-1",
        "0", "99999999999999999999", "null", "true", "\uFEFF", "\0", "\u0001", "&a", "*a", "!!binary", "#", "\u00e9",
        "abc", ";", "%", "...", "---", "? ", "\r",
    ];

    private readonly Random _random = new(seed);

    /// <summary>A random integer in [0, <paramref name="bound"/>).</summary>
    public int Next(int bound) => _random.Next(bound);

    /// <summary>One of <paramref name="choices"/>.</summary>
    public T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];

    /// <summary>The first bytes only, cut at a random point (possibly empty).</summary>
    public byte[] Truncate(byte[] bytes) => bytes[.._random.Next(bytes.Length)];

    /// <summary>One byte in [<paramref name="start"/>, <paramref name="end"/>) with one bit flipped or replaced by a random byte.</summary>
    public byte[] Flip(byte[] bytes, int start, int end)
    {
        byte[] copy = [.. bytes];
        end = Math.Min(end, copy.Length);
        start = Math.Min(start, end - 1);
        int at = start + _random.Next(end - start);
        copy[at] = _random.Next(2) == 0 ? (byte)(copy[at] ^ (1 << _random.Next(8))) : (byte)_random.Next(256);
        return copy;
    }

    /// <summary>Several bytes in [<paramref name="start"/>, <paramref name="end"/>) replaced by random ones.</summary>
    public byte[] Scramble(byte[] bytes, int start, int end, int count)
    {
        byte[] copy = bytes;
        for (int i = 0; i < count; i++)
        {
            copy = Flip(copy, start, end);
        }

        return copy;
    }

    /// <summary><paramref name="value"/> written over the bytes at <paramref name="offset"/>.</summary>
    public static byte[] Overwrite(byte[] bytes, int offset, byte[] value)
    {
        byte[] copy = [.. bytes];
        value.CopyTo(copy, offset);
        return copy;
    }

    /// <summary>The bytes with 1 to 64 random bytes appended.</summary>
    public byte[] AppendGarbage(byte[] bytes)
    {
        byte[] extra = new byte[1 + _random.Next(64)];
        _random.NextBytes(extra);
        return [.. bytes, .. extra];
    }

    /// <summary>Random bytes of about the same length.</summary>
    public byte[] Noise(int length)
    {
        byte[] noise = new byte[Math.Max(1, length)];
        _random.NextBytes(noise);
        return noise;
    }

    /// <summary>The text with one random edit: a deletion, an inserted token, a swapped pair of lines or a cut.</summary>
    public string Edit(string text)
    {
        if (text.Length == 0)
        {
            return Pick(Tokens);
        }

        int at = _random.Next(text.Length);
        switch (_random.Next(5))
        {
            case 0:
                return text.Remove(at, Math.Min(1 + _random.Next(8), text.Length - at));
            case 1:
            case 2:
                return text.Insert(at, Pick(Tokens));
            case 3:
                string[] lines = text.Split('\n');
                int a = _random.Next(lines.Length), b = _random.Next(lines.Length);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            default:
                return text[..at];
        }
    }

    /// <summary>The text with <paramref name="edits"/> random edits.</summary>
    public string Edit(string text, int edits)
    {
        for (int i = 0; i < edits; i++)
        {
            text = Edit(text);
        }

        return text;
    }

    /// <summary>UTF-8 bytes of <paramref name="text"/>.</summary>
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
