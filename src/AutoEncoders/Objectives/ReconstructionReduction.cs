namespace AutoEncoders.Objectives;

/// <summary>How a reconstruction loss reduces over elements and samples.</summary>
public enum ReconstructionReduction
{
    /// <summary>Mean over every element (Keras's and PyTorch's default); scale-free across input sizes.</summary>
    MeanPerElement,

    /// <summary>Sum over the elements of a sample, mean over samples: nats per example for likelihood losses (VAEs).</summary>
    SumPerExample,
}
