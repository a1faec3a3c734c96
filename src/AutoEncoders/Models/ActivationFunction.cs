using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>Applies an <see cref="Activation"/> and gives its derivative (used by closed-form Jacobian penalties).</summary>
public static class ActivationFunction
{
    /// <summary>Slope of <see cref="Activation.LeakyRelu"/> for negative inputs.</summary>
    public const double LeakySlope = 0.01;

    /// <summary>f(z).</summary>
    public static Tensor Apply(Activation activation, Tensor z) => activation switch
    {
        Activation.Linear => z.alias(),
        Activation.Relu => nn.functional.relu(z),
        Activation.Tanh => z.tanh(),
        Activation.Sigmoid => z.sigmoid(),
        Activation.LeakyRelu => nn.functional.leaky_relu(z, LeakySlope),
        Activation.Elu => nn.functional.elu(z, alpha: 1.0),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>f'(z), computed from z and h = f(z) (whichever is cheaper for the activation).</summary>
    public static Tensor Derivative(Activation activation, Tensor z, Tensor h) => activation switch
    {
        Activation.Linear => torch.ones_like(z),
        Activation.Relu => z.gt(0).to_type(z.dtype),
        Activation.Tanh => 1 - h.square(),
        Activation.Sigmoid => h * (1 - h),
        Activation.LeakyRelu => torch.where(z.gt(0), 1.0, LeakySlope).to_type(z.dtype),
        Activation.Elu => torch.where(z.gt(0), torch.ones_like(z), h + 1),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>The lower-case name used in recipes and summaries ("relu", "leaky_relu", ...).</summary>
    public static string Name(Activation activation) => activation switch
    {
        Activation.LeakyRelu => "leaky_relu",
        _ => activation.ToString().ToLowerInvariant(),
    };
}
