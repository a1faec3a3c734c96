namespace AutoEncoders.Applications.Search;

/// <summary>How the distance between two codes is measured in a similarity search.</summary>
public enum DistanceMetric
{
    /// <summary>Euclidean (L2) distance of the float codes.</summary>
    Euclidean,

    /// <summary>Cosine distance 1 - cos(a, b) of the float codes.</summary>
    Cosine,

    /// <summary>Hamming distance of the codes thresholded at 0.5 and packed to bits (semantic hashing).</summary>
    Hamming,
}
