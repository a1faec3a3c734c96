namespace AutoEncoders.Interop.Onnx;

/// <summary>One attribute of an ONNX node (AttributeProto): an integer, a float, a string or a list of integers or floats.</summary>
internal sealed record OnnxAttribute
{
    private OnnxAttribute(string name, int type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>The attribute's name, e.g. "kernel_shape".</summary>
    public string Name { get; }

    /// <summary>AttributeProto.AttributeType: 1 float, 2 int, 3 string, 6 floats, 7 ints.</summary>
    public int Type { get; }

    /// <summary>The value of a float attribute.</summary>
    public float FloatValue { get; private init; }

    /// <summary>The value of an int attribute.</summary>
    public long IntValue { get; private init; }

    /// <summary>The value of a string attribute.</summary>
    public string StringValue { get; private init; } = string.Empty;

    /// <summary>The values of an ints attribute.</summary>
    public IReadOnlyList<long> IntValues { get; private init; } = [];

    /// <summary>The values of a floats attribute.</summary>
    public IReadOnlyList<float> FloatValues { get; private init; } = [];

    /// <summary>An int attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, 2) { IntValue = value };

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, double value) => new(name, 1) { FloatValue = (float)value };

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, 3) { StringValue = value };

    /// <summary>An ints attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, 7) { IntValues = values };

    /// <summary>A floats attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, 6) { FloatValues = values };
}
