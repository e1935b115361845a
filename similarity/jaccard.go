package similarity

// intersect returns |a ∩ b| for sorted, duplicate-free a and b.
func intersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		switch {
		case x < y:
			i++
		case x > y:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Jaccard returns |a ∩ b| / |a ∪ b| for sets given as sorted, duplicate-free
// slices. Jaccard(∅, ∅) is defined as 0 (an empty document is similar to
// nothing). It runs in O(len(a)+len(b)) and does not allocate.
func Jaccard(a, b []uint64) float64 {
	inter := intersect(a, b)
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// Containment returns |a ∩ b| / |a|, the fraction of a contained in b, for
// sets given as sorted, duplicate-free slices. Containment(∅, b) is defined
// as 0. It runs in O(len(a)+len(b)) and does not allocate.
func Containment(a, b []uint64) float64 {
	if len(a) == 0 {
		return 0
	}
	return float64(intersect(a, b)) / float64(len(a))
}
