using System.Globalization;
using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Zero padding of a convolution: a fixed number of pixels on every side, or "same" (TensorFlow's rule: the output
/// is ceil(input / stride), the padding total max((out - 1) stride + kernel - input, 0) split with the extra pixel
/// at the bottom and right). In JSON: "same", "valid" (0) or a number.
/// </summary>
[JsonConverter(typeof(ConvPaddingJsonConverter))]
public sealed record ConvPadding
{
    private ConvPadding(bool isSame, int amount)
    {
        IsSame = isSame;
        Amount = amount;
    }

    /// <summary>Keras's padding="same".</summary>
    public static ConvPadding Same { get; } = new(true, 0);

    /// <summary>No padding (Keras's padding="valid").</summary>
    public static ConvPadding Valid { get; } = new(false, 0);

    /// <summary>True for "same" padding.</summary>
    public bool IsSame { get; }

    /// <summary>Pixels added on every side when not <see cref="IsSame"/>.</summary>
    public int Amount { get; }

    /// <summary>A fixed padding of <paramref name="amount"/> pixels per side.</summary>
    public static ConvPadding Of(int amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        return amount == 0 ? Valid : new ConvPadding(false, amount);
    }

    /// <summary>A fixed padding of <paramref name="amount"/> pixels per side.</summary>
    public static ConvPadding FromInt32(int amount) => Of(amount);

    /// <summary>A fixed padding of <paramref name="amount"/> pixels per side.</summary>
    public static implicit operator ConvPadding(int amount) => Of(amount);

    /// <summary>(before, after) padding along one axis of size <paramref name="input"/> for a kernel and stride.</summary>
    public (long Before, long After) Along(long input, int kernel, int stride)
    {
        if (!IsSame)
        {
            return (Amount, Amount);
        }

        long output = (input + stride - 1) / stride;
        long total = Math.Max(((output - 1) * stride) + kernel - input, 0);
        return (total / 2, total - (total / 2));
    }

    /// <inheritdoc />
    public override string ToString() => IsSame ? "same" : Amount.ToString(CultureInfo.InvariantCulture);
}
