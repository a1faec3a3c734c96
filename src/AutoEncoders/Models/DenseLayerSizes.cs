namespace AutoEncoders.Models;

/// <summary>
/// Layer-size rules shared by the dense model configurations (<see cref="Dense.DenseAutoencoderConfig"/>,
/// <see cref="Adversarial.AdversarialAutoencoderConfig"/>, <see cref="Variational.VariationalAutoencoderConfig"/>):
/// an encoder list from the input to the code, and a decoder list that defaults to its mirror.
/// </summary>
internal static class DenseLayerSizes
{
    /// <summary>The decoder sizes actually used: <paramref name="decoder"/> or the mirrored <paramref name="encoder"/>.</summary>
    public static IReadOnlyList<int> EffectiveDecoder(IReadOnlyList<int> encoder, IReadOnlyList<int>? decoder) =>
        decoder ?? encoder.Reverse().ToArray();

    /// <summary>
    /// Throws unless <paramref name="decoder"/> has positive sizes running from the code size to the input size of
    /// <paramref name="encoder"/>; <paramref name="codeName"/> names the code in the message ("code", "latent").
    /// </summary>
    public static void ValidateDecoder(IReadOnlyList<int> encoder, IReadOnlyList<int> decoder, string codeName = "code")
    {
        if (decoder.Count < 2 || decoder[0] != encoder[^1] || decoder[^1] != encoder[0] || decoder.Any(s => s < 1))
        {
            throw new ArgumentException(
                $"decoderLayers must run from the {codeName} size {encoder[^1]} to the input size {encoder[0]}; found [{string.Join(", ", decoder)}].");
        }
    }
}
