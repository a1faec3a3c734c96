using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
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

    private static readonly Dictionary<string, JsonElement> NoOptions = new(StringComparer.Ordinal);

    /// <summary>Reads the whole body, refusing more than <paramref name="maxBytes"/> (413) before reading it when its length is announced.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(request.ContentLength.Value, maxBytes);
        }

        // Straight from Kestrel's buffers (no stream, no chunk array): examine everything, consume nothing until the
        // body is complete, then copy it out once.
        PipeReader pipe = request.BodyReader;
        byte[] body;
        try
        {
            while (true)
            {
                ReadResult read = await pipe.ReadAsync(cancellation).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                if (buffer.Length > maxBytes)
                {
                    pipe.AdvanceTo(buffer.Start, buffer.End);
                    throw TooLarge(buffer.Length, maxBytes);
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    body = buffer.ToArray();
                    pipe.AdvanceTo(buffer.End);
                    break;
                }

                pipe.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes + 1, maxBytes);
        }

        if (body.Length == 0)
        {
            throw RequestRefusedException.BadField("body", "the request has no body; send the rows as JSON {\"inputs\": [...]} or as a .npy array.");
        }

        return body;
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
            "application/json" => JsonRowsParser.Parse(body, field, itemShape, maxItems),
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
        if (contentType is "application/json" or NpyMediaType)
        {
            return contentType;
        }

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

    private static RowsPayload ParseNpy(byte[] body, long[] itemShape, long size, int maxItems)
    {
        float[] values;
        long[] shape;
        try
        {
            values = NpyFile.ParseFloat32(body, "body", out shape);
        }
        catch (DataFormatException e)
        {
            throw RequestRefusedException.BadField("body", $"not a .npy array this service reads: {e.Message}");
        }

        long count = shape.SequenceEqual(itemShape) ? 1 : shape[0];
        long rowSize = shape.SequenceEqual(itemShape) ? size : shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (rowSize != size || shape.Length < 2 && !shape.SequenceEqual(itemShape))
        {
            throw RequestRefusedException.BadField("body", $"expected an array of shape (N, {string.Join(", ", itemShape)}) or ({string.Join(", ", itemShape)}), found ({string.Join(", ", shape)}).");
        }

        CheckCount("body", count, maxItems);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw RequestRefusedException.BadField("body", string.Create(CultureInfo.InvariantCulture, $"row {i / size}, value {i % size}: expected a finite number, found {values[i]}."));
            }
        }

        return new RowsPayload(values, (int)count, NoOptions);
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

    internal static string Shape(long[] shape) => shape.Length == 1 ? shape[0].ToString(CultureInfo.InvariantCulture) : $"{shape.Aggregate(1L, (a, b) => a * b)} ({string.Join("x", shape)})";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
