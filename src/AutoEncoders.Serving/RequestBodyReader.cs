using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using Microsoft.AspNetCore.Http;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// Reads rows from a request body: JSON <c>{"inputs": [row, ...]}</c> (each row a flat or nested array of
/// numbers) or a <c>.npy</c> array [N, ...row shape] (or one row of the row shape), with
/// <c>Content-Type: application/json</c> or <c>application/x-npy</c>. Every refusal names the field.
/// </summary>
public static class RequestBodyReader
{
    /// <summary>The media type of a .npy body or answer.</summary>
    public const string NpyMediaType = "application/x-npy";

    /// <summary>Reads the whole body, refusing more than <paramref name="maxBytes"/> (413) before reading it when its length is announced.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(request.ContentLength.Value, maxBytes);
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(buffer.Length + read, maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes + 1, maxBytes);
        }

        if (buffer.Length == 0)
        {
            throw RequestRefusedException.BadField("body", "the request has no body; send the rows as JSON {\"inputs\": [...]} or as a .npy array.");
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The rows under <paramref name="field"/> (JSON) or the whole .npy array, each of <paramref name="itemShape"/>;
    /// at most <paramref name="maxItems"/>.
    /// </summary>
    public static RowsPayload ParseRows(string? contentType, byte[] body, string field, long[] itemShape, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(itemShape);
        long size = itemShape.Aggregate(1L, (a, b) => a * b);
        return MediaType(contentType) switch
        {
            "application/json" => ParseJson(body, field, itemShape, size, maxItems),
            NpyMediaType => ParseNpy(body, itemShape, size, maxItems),
            string other => throw new RequestRefusedException(StatusCodes.Status415UnsupportedMediaType, "Content-Type",
                $"expected application/json or {NpyMediaType}, found '{(other.Length == 0 ? "(none)" : other)}'."),
        };
    }

    /// <summary>The JSON object body (for requests without rows, e.g. generate); refuses anything else.</summary>
    public static JsonElement ParseObject(string? contentType, byte[] body)
    {
        if (MediaType(contentType) != "application/json")
        {
            throw new RequestRefusedException(StatusCodes.Status415UnsupportedMediaType, "Content-Type", $"expected application/json, found '{contentType ?? "(none)"}'.");
        }

        using JsonDocument document = Parse(body);
        JsonElement root = document.RootElement.Clone();
        return root.ValueKind == JsonValueKind.Object
            ? root
            : throw RequestRefusedException.BadField("body", $"expected a JSON object, found {Describe(root)}.");
    }

    /// <summary>The media type without parameters, lower case ("" when absent); any +json type counts as JSON.</summary>
    public static string MediaType(string? contentType)
    {
        string type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return type.EndsWith("+json", StringComparison.Ordinal) ? "application/json" : type;
    }

    /// <summary>"a string", "an object", ... for messages.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(element.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };

    private static RequestRefusedException TooLarge(long size, long max) =>
        new(StatusCodes.Status413PayloadTooLarge, "body", string.Create(CultureInfo.InvariantCulture, $"the body has more than {max} bytes ({size} or more); send fewer rows per request."));

    private static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw RequestRefusedException.BadField("body", $"not valid JSON: {e.Message}");
        }
    }

    private static RowsPayload ParseJson(byte[] body, string field, long[] itemShape, long size, int maxItems)
    {
        using JsonDocument document = Parse(body);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw RequestRefusedException.BadField("body", $"expected a JSON object {{\"{field}\": [...]}}, found {Describe(root)}.");
        }

        if (!root.TryGetProperty(field, out JsonElement rows))
        {
            throw RequestRefusedException.BadField(field, $"missing; expected \"{field}\": an array of rows, each {Shape(itemShape)} numbers.");
        }

        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw RequestRefusedException.BadField(field, $"expected an array of rows, found {Describe(rows)}.");
        }

        int count = rows.GetArrayLength();
        CheckCount(field, count, maxItems);
        var values = new float[checked(count * (int)size)];
        int row = 0;
        foreach (JsonElement item in rows.EnumerateArray())
        {
            string where = $"{field}[{row}]";
            if (item.ValueKind != JsonValueKind.Array)
            {
                throw RequestRefusedException.BadField(where, $"expected a row of {Shape(itemShape)} numbers, found {Describe(item)}.");
            }

            int at = row * (int)size;
            int end = at + (int)size;
            Flatten(item, where, values, ref at, end, itemShape, size);
            if (at != end)
            {
                throw RequestRefusedException.BadField(where, $"expected {Shape(itemShape)} numbers, found {at - (row * (int)size)}.");
            }

            row++;
        }

        var options = root.EnumerateObject().Where(p => p.Name != field).ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        return new RowsPayload(values, count, options);
    }

    private static void Flatten(JsonElement array, string where, float[] values, ref int at, int end, long[] itemShape, long size)
    {
        int i = 0;
        foreach (JsonElement element in array.EnumerateArray())
        {
            string here = $"{where}[{i}]";
            if (element.ValueKind == JsonValueKind.Array)
            {
                Flatten(element, here, values, ref at, end, itemShape, size);
            }
            else if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out double v) && double.IsFinite(v) && Math.Abs(v) <= float.MaxValue)
            {
                if (at >= end)
                {
                    throw RequestRefusedException.BadField(where, $"expected {Shape(itemShape)} numbers in the row, found more.");
                }

                values[at++] = (float)v;
            }
            else
            {
                throw RequestRefusedException.BadField(here, $"expected a finite number, found {Describe(element)} (JSON has no NaN or Infinity; a row may not hold them).");
            }

            i++;
        }
    }

    private static RowsPayload ParseNpy(byte[] body, long[] itemShape, long size, int maxItems)
    {
        using var scope = torch.NewDisposeScope();
        Tensor array;
        try
        {
            array = NpyFile.Parse(body, "body");
        }
        catch (DataFormatException e)
        {
            throw RequestRefusedException.BadField("body", $"not a .npy array this service reads: {e.Message}");
        }

        long[] shape = array.shape;
        long count = shape.SequenceEqual(itemShape) ? 1 : shape[0];
        long rowSize = shape.SequenceEqual(itemShape) ? size : shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (rowSize != size || shape.Length < 2 && !shape.SequenceEqual(itemShape))
        {
            throw RequestRefusedException.BadField("body", $"expected an array of shape (N, {string.Join(", ", itemShape)}) or ({string.Join(", ", itemShape)}), found ({string.Join(", ", shape)}).");
        }

        CheckCount("body", count, maxItems);
        Tensor values = array.to_type(ScalarType.Float32).reshape(-1);
        if (!values.isfinite().all().item<bool>())
        {
            long first = values.isfinite().logical_not().nonzero()[0, 0].item<long>();
            throw RequestRefusedException.BadField("body", $"row {first / size}, value {first % size}: expected a finite number, found {values[first].item<float>()}.");
        }

        return new RowsPayload(values.data<float>().ToArray(), (int)count, new Dictionary<string, JsonElement>());
    }

    private static void CheckCount(string field, long count, int maxItems)
    {
        if (count == 0)
        {
            throw RequestRefusedException.BadField(field, "expected at least one row, found none.");
        }

        if (count > maxItems)
        {
            throw new RequestRefusedException(StatusCodes.Status413PayloadTooLarge, field, $"{count} rows; at most {maxItems} per request (--max-items).");
        }
    }

    private static string Shape(long[] shape) => shape.Length == 1 ? shape[0].ToString(CultureInfo.InvariantCulture) : $"{shape.Aggregate(1L, (a, b) => a * b)} ({string.Join("x", shape)})";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
