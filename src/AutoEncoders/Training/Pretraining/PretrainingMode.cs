namespace AutoEncoders.Training.Pretraining;

/// <summary>How greedy layer-wise pretraining trains each layer (Bengio et al., 2007; Vincent et al., 2010).</summary>
public enum PretrainingMode
{
    /// <summary>
    /// Separate shallow autoencoders: the first is trained on the data, the data is encoded once and the codes are
    /// cached, the next is trained to reconstruct those codes, and so on; the deep autoencoder is then assembled
    /// from the encoders in order and the decoders in reverse order.
    /// </summary>
    SeparateAutoencoders,

    /// <summary>
    /// One deep stack: the outer encoder/decoder pair is trained first, then each inner pair with every outer
    /// layer frozen, reconstructing the data through the frozen outer decoders; the frozen encoders' output is
    /// computed once and cached instead of recomputed every step.
    /// </summary>
    FrozenStack,
}
