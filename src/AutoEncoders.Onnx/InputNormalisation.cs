using System.Globalization;
using System.Text.Json;

namespace AutoEncoders.Onnx;

/// <summary>
/// The scaling of raw inputs that ae.normalisation describes, as y = (x - offset) / scale per value of a row:
/// <c>{"kind":"none"}</c>, <c>{"kind":"scale","divide":255}</c> (images), <c>{"kind":"zscore","mean":[..],"std":[..]}</c>
/// and <c>{"kind":"minmax","min":[..],"max":[..]}</c> (table columns; a zero spread divides by 1), and
/// <c>{"kind":"zscore","per":"channel",...}</c> (one mean and std per feature of a sequence's [steps, features] rows),
/// see docs/onnx.md.
/// </summary>
internal sealed class InputNormalisation
{
    private readonly float[] _offset;
    private readonly float[] _scale;

    private InputNormalisation(float[] offset, float[] scale)
    {
        _offset = offset;
        _scale = scale;
    }

    /// <summary>Parses <paramref name="json"/> for rows of shape <paramref name="rowShape"/>.</summary>
    /// <exception cref="InvalidDataException">The JSON is not one of the documented forms; the message reads "FILE: WHERE: WHAT".</exception>
    public static InputNormalisation Parse(string json, IReadOnlyList<long> rowShape, string source)
    {
        int n = checked((int)rowShape.Aggregate(1L, (a, b) => a * b));
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("per", out JsonElement per) && per.GetString() == "channel")
            {
                // Values of a [steps, features] row are step-major: value i belongs to feature i % features.
                n = checked((int)rowShape[^1]);
            }

            string kind = root.GetProperty("kind").GetString() ?? string.Empty;
            switch (kind)
            {
                case "none":
                    return new InputNormalisation(new float[n], Filled(n, 1));
                case "scale":
                    return new InputNormalisation(new float[n], Filled(n, root.GetProperty("divide").GetSingle()));
                case "zscore":
                    return new InputNormalisation(Column(root, "mean", n), Column(root, "std", n).Select(s => s == 0 ? 1 : s).ToArray());
                case "minmax":
                    float[] min = Column(root, "min", n);
                    float[] max = Column(root, "max", n);
                    return new InputNormalisation(min, min.Zip(max, (a, b) => b - a == 0 ? 1 : b - a).ToArray());
                default:
                    throw new JsonException($"unknown kind \"{kind}\"");
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(
                $"{source}: metadata \"ae.normalisation\": expected {{\"kind\":\"none\"}}, {{\"kind\":\"scale\",\"divide\":D}}, or zscore/minmax with one value per input column or channel ({n}); {e.Message.TrimEnd('.')}.");
        }
    }

    /// <summary>The scaled copy of N raw rows.</summary>
    public float[] Apply(ReadOnlySpan<float> raw)
    {
        if (raw.Length % _offset.Length != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"expected whole rows of {_offset.Length} values, found {raw.Length} values."), nameof(raw));
        }

        var scaled = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int column = i % _offset.Length;
            scaled[i] = (raw[i] - _offset[column]) / _scale[column];
        }

        return scaled;
    }

    private static float[] Filled(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    private static float[] Column(JsonElement root, string name, int n)
    {
        float[] values = root.GetProperty(name).EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return values.Length == n ? values : throw new JsonException($"\"{name}\" holds {values.Length} values");
    }
}
