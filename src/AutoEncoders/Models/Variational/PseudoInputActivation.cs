namespace AutoEncoders.Models.Variational;

/// <summary>What the VampPrior's learned pseudo-input matrix goes through before the encoder sees it.</summary>
public enum PseudoInputActivation
{
    /// <summary>Clamped to [0, 1] (hardtanh with min 0, max 1), as Tomczak and Welling (2018) do for grey images.</summary>
    Hardtanh,

    /// <summary>1 / (1 + exp(-u)): always inside (0, 1).</summary>
    Sigmoid,

    /// <summary>The matrix as it is.</summary>
    Linear,
}
