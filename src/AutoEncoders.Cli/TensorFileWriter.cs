using System.Globalization;
using System.Text;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli;

/// <summary>Writes tensors as .npy or CSV (chosen by extension) and reads codes back.</summary>
internal static class TensorFileWriter
{
    public static void Write(string path, Tensor values, Tensor? labels, string columnPrefix)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npy")
        {
            NpyFile.Write(path, values.to_type(ScalarType.Float32));
            return;
        }

        if (extension != ".csv")
        {
            throw new ArgumentException($"{path}: unknown output format '{extension}'; use .csv or .npy.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor flat = values.reshape(values.shape[0], -1).cpu().to_type(ScalarType.Float32).contiguous();
        float[] data = flat.data<float>().ToArray();
        long[]? labelValues = labels?.cpu().data<long>().ToArray();
        int columns = (int)flat.shape[1];
        var sb = new StringBuilder();
        var header = Enumerable.Range(0, columns).Select(i => $"{columnPrefix}{i}");
        sb.AppendLine(string.Join(',', labelValues is null ? header : header.Prepend("label")));
        for (int row = 0; row < flat.shape[0]; row++)
        {
            if (labelValues is not null)
            {
                sb.Append(labelValues[row].ToString(CultureInfo.InvariantCulture)).Append(',');
            }

            for (int c = 0; c < columns; c++)
            {
                if (c > 0)
                {
                    sb.Append(',');
                }

                sb.Append(data[(row * columns) + c].ToString("R", CultureInfo.InvariantCulture));
            }

            sb.AppendLine();
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }

    public static Tensor ReadCodes(string path)
    {
        InputFile.Require(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".npy")
        {
            return NpyFile.Read(path).to_type(ScalarType.Float32);
        }

        CsvTable table = CsvTable.Read(path, new CsvOptions { LabelColumn = File.ReadLines(path).FirstOrDefault()?.Split(',').Contains("label") == true ? "label" : null });
        return table.ToDataset(path).Features.MoveToOuterDisposeScope();
    }
}
