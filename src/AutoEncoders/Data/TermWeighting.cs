namespace AutoEncoders.Data;

/// <summary>How a document's word counts become the values of its bag-of-words vector.</summary>
public enum TermWeighting
{
    /// <summary>Raw counts.</summary>
    Counts,

    /// <summary>log(1 + count), damping frequent words (Salakhutdinov and Hinton's input scaling, simplified).</summary>
    LogCounts,

    /// <summary>count · idf with idf = ln((1 + N) / (1 + df)) + 1 (smoothed, as scikit-learn).</summary>
    TfIdf,
}
