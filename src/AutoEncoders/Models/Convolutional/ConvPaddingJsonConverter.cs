using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>Reads "same", "valid" or a non-negative integer; writes "same" or the integer.</summary>
internal sealed class ConvPaddingJsonConverter : JsonConverter<ConvPadding>
{
    public override ConvPadding Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            string? text = reader.GetString();
            return text?.ToLowerInvariant() switch
            {
                "same" => ConvPadding.Same,
                "valid" => ConvPadding.Valid,
                _ => throw new JsonException($"padding must be \"same\", \"valid\" or a non-negative integer; found \"{text}\"."),
            };
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int amount) && amount >= 0)
        {
            return ConvPadding.Of(amount);
        }

        throw new JsonException($"padding must be \"same\", \"valid\" or a non-negative integer; found a {reader.TokenType} token.");
    }

    public override void Write(Utf8JsonWriter writer, ConvPadding value, JsonSerializerOptions options)
    {
        if (value.IsSame)
        {
            writer.WriteStringValue("same");
        }
        else
        {
            writer.WriteNumberValue(value.Amount);
        }
    }
}
