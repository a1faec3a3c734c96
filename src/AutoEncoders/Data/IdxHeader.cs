namespace AutoEncoders.Data;

/// <summary>The validated header of an IDX file: element type, shape and whether the file is gzip-compressed.</summary>
/// <param name="Path">The file it was read from.</param>
/// <param name="DataType">Element type.</param>
/// <param name="Shape">Dimensions, outermost (the item count) first.</param>
/// <param name="Compressed">Whether the file is gzip-compressed.</param>
public sealed record IdxHeader(string Path, IdxDataType DataType, IReadOnlyList<int> Shape, bool Compressed)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Shape[0];

    /// <summary>Length of the header in bytes: the 4-byte magic number and one 4-byte size per dimension.</summary>
    public int Length => 4 + (4 * Shape.Count);

    /// <summary>Number of elements the header promises.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>Length of the payload in bytes.</summary>
    public long PayloadLength => ElementCount * IdxArray.ElementSize(DataType);

    /// <summary>The shape written as "10000 x 28 x 28".</summary>
    public string ShapeText => string.Join(" x ", Shape);
}
