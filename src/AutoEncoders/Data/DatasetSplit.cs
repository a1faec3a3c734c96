namespace AutoEncoders.Data;

/// <summary>The published parts of a catalog dataset.</summary>
public enum DatasetSplit
{
    /// <summary>The training set.</summary>
    Train,

    /// <summary>The test set.</summary>
    Test,
}
