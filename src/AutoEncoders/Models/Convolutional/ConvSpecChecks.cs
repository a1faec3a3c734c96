namespace AutoEncoders.Models.Convolutional;

/// <summary>Field checks shared by the layer specs.</summary>
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
}
