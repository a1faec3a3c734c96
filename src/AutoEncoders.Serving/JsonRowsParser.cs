using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AutoEncoders.Serving;

/// <summary>
/// Reads <c>{"FIELD": [row, ...], ...}</c> in one pass with <see cref="Utf8JsonReader"/> straight into a float array
/// (each row a flat or nested array of numbers). The request path of every encode and score: no document tree, no
/// per-number object or string; where an error is (e.g. <c>inputs[0][5]</c>) is spelled out only when there is one.
/// </summary>
internal static class JsonRowsParser
{
    private const int MaxDepth = 16;

    private static readonly Dictionary<string, JsonElement> EmptyOptions = new(StringComparer.Ordinal);

    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    public static RowsPayload Parse(ReadOnlySpan<byte> body, string field, long[] itemShape, int maxItems)
    {
        int size = checked((int)itemShape.Aggregate(1L, (a, b) => a * b));
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw RequestRefusedException.BadField("body", $"expected a JSON object {{\"{field}\": [...]}}, found {Describe(ref reader)}.");
            }

            byte[] name = Encoding.UTF8.GetBytes(field);
            float[]? values = null;
            int count = 0;
            Dictionary<string, JsonElement>? options = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(name))
                {
                    reader.Read();
                    (values, count) = ReadRows(ref reader, field, itemShape, size, maxItems, body.Length);
                }
                else
                {
                    string other = reader.GetString()!;
                    reader.Read();
                    (options ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[other] = JsonElement.ParseValue(ref reader);
                }
            }

            // The closing brace is read; anything after it is a syntax error the reader reports here.
            while (reader.Read())
            {
            }

            return values is null
                ? throw RequestRefusedException.BadField(field, $"missing; expected \"{field}\": an array of rows, each {RequestBodyReader.Shape(itemShape)} numbers.")
                : new RowsPayload(values, count, options ?? (IReadOnlyDictionary<string, JsonElement>)EmptyOptions);
        }
        catch (JsonException e)
        {
            throw RequestRefusedException.BadField("body", $"not valid JSON: {e.Message}");
        }
    }

    private static (float[] Values, int Count) ReadRows(ref Utf8JsonReader reader, string field, long[] itemShape, int size, int maxItems, int bodyBytes)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw RequestRefusedException.BadField(field, $"expected an array of rows, found {Describe(ref reader)}.");
        }

        // Each number takes at least two bytes ("0,"): the body bounds the rows, so one guess rarely grows.
        int guess = Math.Clamp(bodyBytes / Math.Max(1, 2 * size), 1, maxItems);
        float[] values = new float[checked(guess * size)];
        Span<int> path = stackalloc int[MaxDepth];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == maxItems)
            {
                int total = count;
                do
                {
                    reader.Skip();
                    total++;
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
                throw new RequestRefusedException(StatusCodes.Status413PayloadTooLarge, field, $"{total} rows; at most {maxItems} per request (--max-items).");
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw RequestRefusedException.BadField(Where(field, [count]), $"expected a row of {RequestBodyReader.Shape(itemShape)} numbers, found {Describe(ref reader)}.");
            }

            if ((count + 1) * size > values.Length)
            {
                Array.Resize(ref values, Math.Min(maxItems, 2 * (count + 1)) * size);
            }

            int start = count * size;
            int at = start;
            path[0] = count;
            ReadRow(ref reader, field, path, 1, values, ref at, start + size, itemShape);
            if (at != start + size)
            {
                throw RequestRefusedException.BadField(Where(field, [count]), $"expected {RequestBodyReader.Shape(itemShape)} numbers, found {at - start}.");
            }

            count++;
        }

        if (count == 0)
        {
            throw RequestRefusedException.BadField(field, "expected at least one row, found none.");
        }

        return (values.Length == count * size ? values : values[..(count * size)], count);
    }

    // Reads the array the reader is on (nested arrays flatten in order); path[..depth] is where it is, for messages.
    private static void ReadRow(ref Utf8JsonReader reader, string field, scoped Span<int> path, int depth, float[] values, ref int at, int end, long[] itemShape)
    {
        int i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && (TryParseShortDecimal(reader.ValueSpan, out double v) || reader.TryGetDouble(out v)) && double.IsFinite(v) && Math.Abs(v) <= float.MaxValue)
            {
                if (at >= end)
                {
                    throw RequestRefusedException.BadField(Where(field, path[..depth]), $"expected {RequestBodyReader.Shape(itemShape)} numbers in the row, found more.");
                }

                values[at++] = (float)v;
            }
            else if (reader.TokenType == JsonTokenType.StartArray && depth < MaxDepth)
            {
                path[depth] = i;
                ReadRow(ref reader, field, path, depth + 1, values, ref at, end, itemShape);
            }
            else
            {
                path[depth] = i;
                throw RequestRefusedException.BadField(Where(field, path[..(depth + 1)]), $"expected a finite number, found {Describe(ref reader)} (JSON has no NaN or Infinity; a row may not hold them).");
            }

            i++;
        }
    }

    /// <summary>
    /// The double nearest a JSON number of the usual short form (<c>-0.1234</c>: no exponent, an integer of at
    /// most 2^53 once the point is dropped, at most 22 decimals), as <see cref="double.Parse(string)"/> gives it:
    /// both the integer and the power of ten are exact doubles, so their one division is correctly rounded
    /// (Clinger's fast path). False for every other form, which the general parser reads.
    /// </summary>
    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = text.Length > 0 && text[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        ulong mantissa = 0;
        int decimals = -1;
        for (; i < text.Length; i++)
        {
            uint digit = (uint)(text[i] - '0');
            if (digit <= 9)
            {
                if (mantissa > (1UL << 53) / 10)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                if (decimals >= 0)
                {
                    decimals++;
                }
            }
            else if (text[i] == (byte)'.' && decimals < 0)
            {
                decimals = 0;
            }
            else
            {
                return false;
            }
        }

        if (mantissa > 1UL << 53 || decimals > 22)
        {
            return false;
        }

        double magnitude = decimals > 0 ? mantissa / PowersOfTen[decimals] : mantissa;
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static string Where(string field, ReadOnlySpan<int> path)
    {
        var text = new StringBuilder(field);
        foreach (int i in path)
        {
            text.Append('[').Append(i.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        return text.ToString();
    }

    private static string Describe(ref Utf8JsonReader reader)
    {
        using JsonDocument value = JsonDocument.ParseValue(ref reader);
        return RequestBodyReader.Describe(value.RootElement);
    }
}
