namespace AutoEncoders.Applications.Anomaly;

/// <summary>The autoencoder inside a <see cref="SequenceAnomalyDetector"/>.</summary>
public enum SequenceDetectorKind
{
    /// <summary>A dense autoencoder on the flattened window (T x F values): fast, and the default.</summary>
    Dense,

    /// <summary>An LSTM sequence-to-sequence autoencoder (Malhotra et al., 2016) with a linear bottleneck.</summary>
    Lstm,

    /// <summary>The same with GRU cells.</summary>
    Gru,
}
