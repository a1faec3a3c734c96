namespace AutoEncoders.Serving;

/// <summary>
/// Rows read from a request body, flat (row after row), with the body's other JSON fields (e.g. k) when it was JSON.
/// </summary>
/// <param name="Values">Count × row-size numbers.</param>
/// <param name="Count">Rows.</param>
/// <param name="Options">The JSON body's other top-level fields (empty for .npy).</param>
public sealed record RowsPayload(float[] Values, int Count, IReadOnlyDictionary<string, System.Text.Json.JsonElement> Options);
