using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AutoEncoders.Serving;

/// <summary>
/// An answer <c>{"ROWS": [[...], ...], "SHAPE": [...]}</c> (e.g. <see cref="CodesResponse"/>) written with one
/// <see cref="Utf8JsonWriter"/> straight into the response pipe: the same bytes the serializer writes for the record,
/// without its per-call metadata lookups and buffering, on the path every encode takes.
/// </summary>
internal sealed class RowsJsonResult(string rowsName, float[][] rows, string shapeName, long[] shape) : IResult
{
    private static readonly JsonWriterOptions Writing = new() { SkipValidation = true };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(httpContext.Response.BodyWriter, Writing))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(rowsName);
            foreach (float[] row in rows)
            {
                writer.WriteStartArray();
                foreach (float value in row)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteStartArray(shapeName);
            foreach (long size in shape)
            {
                writer.WriteNumberValue(size);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
