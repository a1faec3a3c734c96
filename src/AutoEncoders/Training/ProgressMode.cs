namespace AutoEncoders.Training;

/// <summary>How the trainer reports progress on the console.</summary>
public enum ProgressMode
{
    /// <summary>A live bar when the output is a terminal, one line per epoch otherwise.</summary>
    Auto,

    /// <summary>Always a live bar.</summary>
    Bar,

    /// <summary>One plain line per epoch.</summary>
    Lines,

    /// <summary>Nothing.</summary>
    Silent,
}
