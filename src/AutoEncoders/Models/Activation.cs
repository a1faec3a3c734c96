namespace AutoEncoders.Models;

/// <summary>Element-wise activation of a layer.</summary>
public enum Activation
{
    /// <summary>Identity: f(z) = z.</summary>
    Linear,

    /// <summary>max(0, z).</summary>
    Relu,

    /// <summary>tanh(z).</summary>
    Tanh,

    /// <summary>1 / (1 + exp(-z)).</summary>
    Sigmoid,

    /// <summary>max(0.01 z, z).</summary>
    LeakyRelu,

    /// <summary>z for z &gt; 0, exp(z) - 1 otherwise.</summary>
    Elu,
}
