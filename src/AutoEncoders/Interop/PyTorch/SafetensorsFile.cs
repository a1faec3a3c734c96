using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Interop.PyTorch;

/// <summary>
/// A safetensors file (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range (plus an optional "__metadata__" map of strings), then
/// the tensors' raw bytes. The format holds no code, so reading one runs nothing; Python reads it with the
/// `safetensors` package or the dozen lines of NumPy in docs/interop.md.
/// </summary>
public sealed class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    // A header larger than this is not a weights file (the reference implementation's own limit is 100 MB).
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>Holds <paramref name="tensors"/> (names unique) and <paramref name="metadata"/>.</summary>
    public SafetensorsFile(IReadOnlyList<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafetensorsTensor tensor in tensors)
        {
            if (tensor.Name == MetadataKey || !names.Add(tensor.Name))
            {
                throw new ArgumentException($"tensor name '{tensor.Name}' is reserved or repeated; safetensors needs unique names.", nameof(tensors));
            }

            int size = SafetensorsTensor.ElementSize(tensor.DType);
            if (size == 0 || tensor.Data.Length != tensor.ElementCount * size)
            {
                throw new ArgumentException($"tensor '{tensor.Name}': {tensor.Data.Length} bytes do not hold dtype {tensor.DType} of shape {SafetensorsTensor.FormatShape(tensor.Shape)}.", nameof(tensors));
            }
        }

        Tensors = tensors;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The tensors, in the header's order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The "__metadata__" strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor named <paramref name="name"/>, or null.</summary>
    public SafetensorsTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Writes the file atomically: data in the tensors' order, the header padded with spaces to 8 bytes.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in Metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafetensorsTensor tensor in Tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType);
                json.WriteStartArray("shape");
                foreach (long size in tensor.Shape)
                {
                    json.WriteNumberValue(size);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }

            json.WriteEndObject();
        }

        while (header.Length % 8 != 0)
        {
            header.WriteByte((byte)' ');
        }

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            header.Position = 0;
            header.CopyTo(stream);
            foreach (SafetensorsTensor tensor in Tensors)
            {
                stream.Write(tensor.Data.Span);
            }
        });
    }

    /// <summary>Reads and checks a whole file.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message is "FILE: WHERE: WHAT".</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such weights file.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path);
    }

    /// <summary>Parses the bytes of a safetensors file; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed safetensors file.</exception>
    public static SafetensorsFile Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
        {
            throw Corrupt(source, "offset 0", $"expected an 8-byte little-endian header length, found a file of {bytes.Length} bytes");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderLength || headerLength > (ulong)(bytes.Length - 8))
        {
            throw Corrupt(source, "offset 0", $"expected a header length of 2 to {Math.Min(MaxHeaderLength, bytes.Length - 8)} bytes, found {headerLength} (not a safetensors file, or truncated)");
        }

        int dataStart = 8 + (int)headerLength;
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Corrupt(source, $"header byte {8 + (e.BytePositionInLine ?? 0)}", $"expected a JSON object; {e.Message.Split(" Path:")[0].TrimEnd('.')}");
        }

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Corrupt(source, "header", $"expected a JSON object, found {header.RootElement.ValueKind}");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensor>();
            int dataLength = bytes.Length - dataStart;
            long covered = 0;
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    ReadMetadata(entry.Value, metadata, source);
                    continue;
                }

                SafetensorsTensor tensor = ReadTensor(entry, bytes, dataStart, dataLength, source);
                covered += tensor.Data.Length;
                tensors.Add(tensor);
            }

            if (covered != dataLength)
            {
                throw Corrupt(source, $"offset {dataStart}", $"expected {covered} bytes of tensor data after the header, found {dataLength}");
            }

            return new SafetensorsFile(tensors, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Corrupt(source, $"header \"{MetadataKey}\"", $"expected an object of strings, found {value.ValueKind}");
        }

        foreach (JsonProperty item in value.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                ? item.Value.GetString()!
                : throw Corrupt(source, $"header \"{MetadataKey}\".\"{item.Name}\"", $"expected a string, found {item.Value.ValueKind}");
        }
    }

    private static SafetensorsTensor ReadTensor(JsonProperty entry, byte[] bytes, int dataStart, int dataLength, string source)
    {
        string where = $"tensor '{entry.Name}'";
        JsonElement value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !value.TryGetProperty("data_offsets", out JsonElement offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array)
        {
            throw Corrupt(source, where, "expected {\"dtype\": string, \"shape\": [sizes], \"data_offsets\": [begin, end]}");
        }

        string dtype = dtypeElement.GetString()!;
        int elementSize = SafetensorsTensor.ElementSize(dtype);
        if (elementSize == 0)
        {
            throw Corrupt(source, where, $"expected a dtype among F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, found \"{dtype}\"");
        }

        var shape = new List<long>();
        foreach (JsonElement size in shapeElement.EnumerateArray())
        {
            shape.Add(size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out long s) && s >= 0
                ? s
                : throw Corrupt(source, where, $"expected a shape of sizes >= 0, found {shapeElement.GetRawText()}"));
        }

        long[] offsets = offsetsElement.EnumerateArray()
            .Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long v) ? v : -1)
            .ToArray();
        if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
        {
            throw Corrupt(source, where, $"expected data_offsets [begin, end] with 0 <= begin <= end, found {offsetsElement.GetRawText()}");
        }

        if (offsets[1] > dataLength)
        {
            throw Corrupt(source, where, $"expected data_offsets within the {dataLength} bytes of data, found [{offsets[0]}, {offsets[1]}] (the file is truncated)");
        }

        long elements = shape.Aggregate(1L, (product, size) => product * size);
        if (elements * elementSize != offsets[1] - offsets[0])
        {
            throw Corrupt(source, where, $"expected {elements * elementSize} bytes for dtype {dtype} of shape {SafetensorsTensor.FormatShape(shape)}, found data_offsets [{offsets[0]}, {offsets[1]}]");
        }

        return new SafetensorsTensor(entry.Name, dtype, shape, bytes.AsMemory(dataStart + (int)offsets[0], (int)(offsets[1] - offsets[0])));
    }

    private static InvalidDataException Corrupt(string source, string where, string what) => new($"{source}: {where}: {what}.");
}
