namespace AutoEncoders.Models.Convolutional;

/// <summary>Field checks shared by the layer specs and the convolutional configs.</summary>
internal static class ConvSpecChecks
{
    public static void Positive(string where, string field, int value)
    {
        if (value < 1)
        {
            throw new ArgumentException($"{where}: {field} must be at least 1; found {value}.");
        }
    }

    public static void NonNegative(string where, string field, int value)
    {
        if (value < 0)
        {
            throw new ArgumentException($"{where}: {field} must not be negative; found {value}.");
        }
    }

    public static void KnownActivation(string where, Activation activation)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentException($"{where}: unknown activation {activation}; expected one of {string.Join(", ", Enum.GetValues<Activation>().Select(ActivationFunction.Name))}.");
        }
    }

    /// <summary>
    /// Checks every layer of <paramref name="encoder"/> then <paramref name="decoder"/> (none null, each valid by its
    /// own spec) and that their names are unique; messages start with <paramref name="where"/>.
    /// </summary>
    public static void Layers(string where, IReadOnlyList<ConvLayerSpec> encoder, IReadOnlyList<ConvLayerSpec> decoder)
    {
        List<string> names = ConvShapeInference.LayerNames(encoder, decoder);
        List<ConvLayerSpec> layers = [.. encoder, .. decoder];
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is null)
            {
                throw new ArgumentException($"{where}: layer {names[i]} is null; give each layer a \"type\".");
            }

            layers[i].Validate($"{where}: layer {names[i]} ({layers[i].TypeName})");
        }

        string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"{where}: two layers are named \"{duplicate}\"; layer names must be unique.");
        }
    }
}
