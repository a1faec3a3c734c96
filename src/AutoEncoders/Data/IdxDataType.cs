namespace AutoEncoders.Data;

/// <summary>Element types of the IDX format (third byte of the magic number), as published with MNIST.</summary>
#pragma warning disable CA1720 // The member names are the element types the IDX specification names.
public enum IdxDataType : byte
{
    /// <summary>unsigned byte.</summary>
    UInt8 = 0x08,

    /// <summary>signed byte.</summary>
    Int8 = 0x09,

    /// <summary>big-endian 16-bit integer.</summary>
    Int16 = 0x0B,

    /// <summary>big-endian 32-bit integer.</summary>
    Int32 = 0x0C,

    /// <summary>big-endian IEEE float.</summary>
    Float32 = 0x0D,

    /// <summary>big-endian IEEE double.</summary>
    Float64 = 0x0E,
}
#pragma warning restore CA1720
