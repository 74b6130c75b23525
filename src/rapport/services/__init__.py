"""Services: one module per noun; each public function is one use case and one transaction."""
