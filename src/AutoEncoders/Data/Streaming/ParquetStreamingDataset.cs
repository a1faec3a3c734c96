using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace AutoEncoders.Data.Streaming;

/// <summary>
/// A Parquet file of numeric columns (float, double or integers; each column one feature of a sample), read with
/// Parquet.Net one row group at a time: the row groups are the blocks that are read and shuffled. Empty cells (nulls)
/// and columns of other types are refused, naming the row and column.
/// </summary>
public sealed class ParquetStreamingDataset : StreamingDataset
{
    private static readonly Type[] Numeric = [typeof(float), typeof(double), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(sbyte), typeof(ushort), typeof(uint)];

    private readonly ParquetReader _reader;
    private readonly DataField[] _columns;
    private readonly long[] _starts;
    private readonly long[] _rows;

    /// <summary>Opens <paramref name="path"/> and checks that every column is numeric.</summary>
    /// <exception cref="DataFormatException">Not a Parquet file, no row, or a column that is not a plain number.</exception>
    public ParquetStreamingDataset(string path)
        : this(path, Open(path))
    {
    }

    private ParquetStreamingDataset(string path, (ParquetReader Reader, DataField[] Columns, long[] Rows) opened)
        : base(path, opened.Rows.Sum(), [opened.Columns.Length])
    {
        (_reader, _columns, _rows) = opened;
        _starts = new long[_rows.Length];
        for (int g = 1; g < _rows.Length; g++)
        {
            _starts[g] = _starts[g - 1] + _rows[g - 1];
        }
    }

    /// <summary>The feature columns, in the order of a sample's values.</summary>
    public IReadOnlyList<string> ColumnNames => [.. _columns.Select(c => c.Name)];

    /// <inheritdoc />
    public override int BlockCount => _rows.Length;

    /// <inheritdoc />
    public override long BlockStart(int block) => _starts[block];

    /// <inheritdoc />
    public override long BlockRows(int block) => _rows[block];

    /// <inheritdoc />
    protected override void ReadBlock(int block, Span<float> destination)
    {
        int rows = (int)_rows[block];
        ParquetRowGroupReader group = _reader.OpenRowGroupReader(block);
        for (int c = 0; c < _columns.Length; c++)
        {
            DataField field = _columns[c];
            Type type = field.ClrType;
            if (type == typeof(float)) { Scatter<float>(group, field, block, c, rows, destination); }
            else if (type == typeof(double)) { Scatter<double>(group, field, block, c, rows, destination); }
            else if (type == typeof(int)) { Scatter<int>(group, field, block, c, rows, destination); }
            else if (type == typeof(long)) { Scatter<long>(group, field, block, c, rows, destination); }
            else if (type == typeof(short)) { Scatter<short>(group, field, block, c, rows, destination); }
            else if (type == typeof(byte)) { Scatter<byte>(group, field, block, c, rows, destination); }
            else if (type == typeof(sbyte)) { Scatter<sbyte>(group, field, block, c, rows, destination); }
            else if (type == typeof(ushort)) { Scatter<ushort>(group, field, block, c, rows, destination); }
            else { Scatter<uint>(group, field, block, c, rows, destination); }
        }
    }

    /// <inheritdoc />
    protected override string Place(long row, long index) => string.Create(CultureInfo.InvariantCulture, $"row {row}, column '{_columns[index].Name}'");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    // One column of the group into every row's value `column` (rows are row-major in the block).
    private void Scatter<T>(ParquetRowGroupReader group, DataField field, int block, int column, int rows, Span<float> destination)
        where T : struct, INumberBase<T>
    {
        int width = _columns.Length;
        if (field.IsNullable)
        {
            var values = new T?[rows];
            group.ReadAsync<T>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int r = 0; r < rows; r++)
            {
                destination[(r * width) + column] = values[r] is T v ? float.CreateSaturating(v)
                    : throw new DataFormatException(Path, string.Create(CultureInfo.InvariantCulture, $"row {_starts[block] + r}, column '{field.Name}'"), "expected a number; found an empty cell (null).");
            }
        }
        else
        {
            var values = new T[rows];
            group.ReadAsync<T>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int r = 0; r < rows; r++)
            {
                destination[(r * width) + column] = float.CreateSaturating(values[r]);
            }
        }
    }

    private static string Describe(Type type) =>
        type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "text"
        : type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) ? "bytes"
        : type.Name;

    private static (ParquetReader Reader, DataField[] Columns, long[] Rows) Open(string path)
    {
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DataFormatException(path, "offset 0", $"expected a Parquet file; {e.Message.TrimEnd('.')}.", e);
        }

        try
        {
            DataField[] columns = reader.Schema.GetDataFields();
            if (columns.Length == 0)
            {
                throw new DataFormatException(path, "schema", "expected at least one numeric column; found none.");
            }

            foreach (DataField column in columns)
            {
                if (column.IsArray || !Numeric.Contains(column.ClrType))
                {
                    throw new DataFormatException(path, $"column '{column.Name}'",
                        $"expected a numeric column (float, double or integer) to use as a feature; found {(column.IsArray ? "a list of " : string.Empty)}{Describe(column.ClrType)}.");
                }
            }

            long[] rows = [.. Enumerable.Range(0, reader.RowGroupCount).Select(g => reader.OpenRowGroupReader(g).RowCount)];
            if (rows.Sum() == 0)
            {
                throw new DataFormatException(path, "row groups", "expected at least one row; the file has none.");
            }

            return (reader, columns, rows);
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }
}
