namespace AutoEncoders.Data;

/// <summary>
/// A data file was refused. The message names the file, where in it the problem is (a byte offset, or a row and
/// column) and what was expected there.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> at <paramref name="location"/>.</summary>
    public DataFormatException(string filePath, string location, string problem)
        : base($"{filePath}: {location}: {problem}")
    {
        FilePath = filePath;
        Location = location;
        Problem = problem;
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public DataFormatException(string filePath, string location, string problem, Exception innerException)
        : base($"{filePath}: {location}: {problem}", innerException)
    {
        FilePath = filePath;
        Location = location;
        Problem = problem;
    }

    /// <summary>Creates an exception with a bare message (prefer the constructors that name the file).</summary>
    public DataFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
        Location = string.Empty;
        Problem = message;
    }

    /// <summary>Creates an exception with a bare message and cause.</summary>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
        Location = string.Empty;
        Problem = message;
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public DataFormatException()
        : this("The data file is not in the expected format.")
    {
    }

    /// <summary>The refused file.</summary>
    public string FilePath { get; }

    /// <summary>Where in the file: "offset 4", "row 12, column 'age'".</summary>
    public string Location { get; }

    /// <summary>What was expected and what was found.</summary>
    public string Problem { get; }

    /// <summary>Location text for a byte offset.</summary>
    public static string AtOffset(long offset) => $"offset {offset}";
}
