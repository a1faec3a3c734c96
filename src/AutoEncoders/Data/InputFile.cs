namespace AutoEncoders.Data;

/// <summary>The first check of every data file reader: the path names an existing file.</summary>
public static class InputFile
{
    /// <summary>
    /// Refuses <paramref name="path"/> unless it is an existing file: a missing path with
    /// <see cref="FileNotFoundException"/> ("no such file"), a folder with <see cref="DataFormatException"/>
    /// saying a file was expected (both one `error:` line in the CLI).
    /// </summary>
    public static void Require(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw new DataFormatException(path, "path", "expected a file; found a folder.");
        }

        throw new FileNotFoundException($"{path}: no such file.", path);
    }
}
